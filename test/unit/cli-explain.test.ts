// skiff explain's text, from the JSON Schemas the server validates with:
// kubectl explain's layout, Go's type names, required fields, enumerations,
// nested fields with --recursive, and kubectl's error for a missing field.

import t from 'tap';
import { KIND_SCHEMA_IDS } from '../../controlplane/api/generated/schemas.js';
import { explain, ExplainError } from '../../sdk/cli/kube/explain.js';

function explainPod(fieldPath: string[], recursive = false): string {
  return explain({
    kind: 'Pod',
    apiVersion: 'v1',
    schemaId: KIND_SCHEMA_IDS['Pod'] ?? '',
    fieldPath,
    recursive,
  });
}

t.test('a kind: its description and top-level fields', async (t) => {
  const text = explainPod([]);
  t.match(text, /^KIND: {7}Pod\nVERSION: {4}v1\n\nDESCRIPTION:\n {4}core\/v1 `Pod`/);
  t.match(text, /\nFIELDS:\n {2}apiVersion\t<string> -required-\n/);
  t.match(text, /\n {2}metadata\t<ObjectMeta> -required-\n/);
  t.match(text, /\n {2}spec\t<PodSpec>\n/);
});

t.test("a field: Go's type names through lists and maps", async (t) => {
  const ports = explainPod(['spec', 'containers', 'ports']);
  t.match(ports, /\nFIELD: ports <\[\]ContainerPort>\n/);
  t.match(ports, /\n {2}containerPort\t<integer> -required-\n/);
  t.match(ports, /\n {2}protocol\t<string>\n {2}enum: SCTP, TCP, UDP\n/);
  const resources = explainPod(['spec', 'containers', 'resources']);
  t.match(resources, /\n {2}limits\t<map\[string\]Quantity>\n/);
  t.match(resources, /requests and may not exceed/, "the schema's description");
  const labels = explainPod(['metadata', 'labels']);
  t.match(labels, /\nFIELD: labels <map\[string\]string>\n/);
  t.notMatch(labels, /FIELDS:/, 'a map of strings has no fields');
  const restart = explainPod(['spec', 'restartPolicy']);
  t.match(restart, /\nENUM:\n {4}Always\n {4}OnFailure\n {4}Never\n/);
  t.match(
    restart,
    /\nDESCRIPTION:\n {4}Whether containers that exit are restarted: `Always` \(the default\)/,
  );
});

t.test('--recursive: every nested field, indented, without descriptions', async (t) => {
  const text = explainPod(['spec', 'containers', 'livenessProbe', 'httpGet'], true);
  t.match(
    text,
    /\nFIELDS:\n {2}host\t<string>\n {2}httpHeaders\t<\[\]HTTPHeader>\n {4}name\t<string> -required-\n {4}value\t<string> -required-\n {2}path\t<string>\n {2}port\t<IntOrString> -required-\n/,
  );
});

t.test('a field that does not exist is named', async (t) => {
  t.throws(
    () => explainPod(['spec', 'containerz']),
    new ExplainError('field "containerz" does not exist'),
  );
  t.throws(
    () => explainPod(['spec', 'restartPolicy', 'x']),
    ExplainError,
    'a string has no fields',
  );
});
