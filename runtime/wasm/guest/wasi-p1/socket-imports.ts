// Preview 1 socket imports. Pods have no sockets in preview 1 yet (the pod
// network arrives with WASI sockets), so every call on an open descriptor is
// ENOTSUP; the fd table will hold socket entries when they exist.

import { ERRNO } from './constants.js';
import { WasiErrno } from './errno.js';
import type { Preview1State, WasiFunctions } from './state.js';

export function socketImports(state: Preview1State): WasiFunctions {
  const { fds } = state;
  const unsupported = (fd: number): number => {
    fds.get(fd); // EBADF for a closed descriptor comes first
    throw new WasiErrno(ERRNO.NOTSUP, 'sockets are not supported yet');
  };
  return {
    sock_accept: (fd: number) => unsupported(fd),
    sock_recv: (fd: number) => unsupported(fd),
    sock_send: (fd: number) => unsupported(fd),
    sock_shutdown: (fd: number) => unsupported(fd),
  };
}
