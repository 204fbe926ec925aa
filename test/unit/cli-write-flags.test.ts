// The flags the write commands share: -o, --dry-run, and which editor `edit` runs.

import t from 'tap';
import { CliError } from '../../sdk/cli/cli-error.js';
import { editorCommand } from '../../sdk/cli/kube/editor.js';
import { parseDryRun, parseWriteOutput } from '../../sdk/cli/kube/write-output.js';

t.test('-o takes yaml, json and name; anything else is refused as kubectl words it', async (t) => {
  t.equal(parseWriteOutput(undefined), undefined);
  t.equal(parseWriteOutput(''), undefined);
  for (const format of ['yaml', 'json', 'name'] as const) t.equal(parseWriteOutput(format), format);
  t.throws(() => parseWriteOutput('wide'), {
    message:
      'unable to match a printer suitable for the output format "wide", allowed formats are: json,name,yaml',
  });
  t.throws(() => parseWriteOutput('table'), CliError);
});

t.test('--dry-run is none or server', async (t) => {
  t.equal(parseDryRun(undefined), false);
  t.equal(parseDryRun('none'), false);
  t.equal(parseDryRun('server'), true);
  t.throws(() => parseDryRun('client'), {
    message: 'Invalid dry-run value (client). Must be "none" or "server".',
  });
});

t.test('the editor: $KUBE_EDITOR, else $EDITOR, else vi (blank ones skipped)', async (t) => {
  t.equal(editorCommand({ KUBE_EDITOR: 'nano', EDITOR: 'emacs' }), 'nano');
  t.equal(editorCommand({ KUBE_EDITOR: '  ', EDITOR: 'code --wait' }), 'code --wait');
  t.equal(editorCommand({}), 'vi');
});
