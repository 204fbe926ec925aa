// Where the component fixtures and the test build cache live, from the
// compiled test's location (dist/test/unit/wasi-p2-support/).

import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const COMPONENT_FIXTURES = `${REPO_ROOT}test/fixtures/components/`;
/** Gitignored: transpiled glue and components built by tests. */
export const TEST_CACHE = `${REPO_ROOT}test/fixtures/.cache/`;
