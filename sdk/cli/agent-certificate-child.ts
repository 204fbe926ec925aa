// Run by agent-certificate.ts as `node agent-certificate-child.js CN NAME…`:
// prints a self-signed serving certificate and its key as JSON, then exits.

import { selfSignedServingCertificate } from '../../controlplane/index.js';

const [commonName = 'skiff-node', ...names] = process.argv.slice(2);
const made = await selfSignedServingCertificate(commonName, names);
process.stdout.write(JSON.stringify({ certificate: made.certificate, key: made.key }));
