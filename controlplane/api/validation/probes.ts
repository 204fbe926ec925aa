// Probes and lifecycle hooks: exactly one handler each (exec, httpGet,
// tcpSocket, grpc / sleep), valid ports, non-negative timings.

import type { FieldError } from '../errors.js';
import type {
  ExecAction,
  GRPCAction,
  HTTPGetAction,
  IntOrString,
  Lifecycle,
  LifecycleHandler,
  Probe,
  SleepAction,
  TCPSocketAction,
} from '../generated/index.js';
import {
  child,
  forbidden,
  invalidEach,
  invalidValue,
  nonNegative,
  required,
} from './field-errors.js';
import { isHTTPHeaderName, isValidPortName, isValidPortNum } from './names.js';

/** A port given as a number (1-65535) or as a container port's name (`ValidatePortNumOrName`). */
export function validatePortNumOrName(port: IntOrString, field: string): FieldError[] {
  return typeof port === 'number'
    ? invalidEach(field, port, isValidPortNum(port))
    : invalidEach(field, port, isValidPortName(port));
}

function validateExec(exec: ExecAction, field: string): FieldError[] {
  return (exec.command ?? []).length === 0 ? [required(child(field, 'command'))] : [];
}

function validateHTTPGet(http: HTTPGetAction, field: string): FieldError[] {
  const errors = validatePortNumOrName(http.port, child(field, 'port'));
  // The path is defaulted to "/"; an explicit empty path is refused.
  if (http.path === '') errors.push(required(child(field, 'path')));
  // Kubernetes names the list, not the header, in these errors.
  for (const header of http.httpHeaders ?? []) {
    errors.push(
      ...invalidEach(child(field, 'httpHeaders'), header.name, isHTTPHeaderName(header.name)),
    );
  }
  return errors;
}

function validateTCPSocket(tcp: TCPSocketAction, field: string): FieldError[] {
  return validatePortNumOrName(tcp.port, child(field, 'port'));
}

function validateGRPC(grpc: GRPCAction, field: string): FieldError[] {
  return invalidEach(child(field, 'port'), grpc.port, isValidPortNum(grpc.port));
}

function validateSleep(sleep: SleepAction, field: string): FieldError[] {
  return sleep.seconds < 0
    ? [invalidValue(child(field, 'seconds'), sleep.seconds, 'must be non-negative')]
    : [];
}

type Handlers = {
  exec?: ExecAction;
  httpGet?: HTTPGetAction;
  tcpSocket?: TCPSocketAction;
  grpc?: GRPCAction;
  sleep?: SleepAction;
};

/**
 * Exactly one handler, checked in Kubernetes' order: the second one found
 * is the field reported (`livenessProbe.tcpSocket: Forbidden: may not
 * specify more than 1 handler type`).
 */
function validateHandlers(handlers: Handlers, field: string): FieldError[] {
  const errors: FieldError[] = [];
  let found = 0;
  const each = <T>(
    name: keyof Handlers,
    value: T | undefined,
    check: (v: T, f: string) => FieldError[],
  ): void => {
    if (value === undefined) return;
    if (found > 0) {
      errors.push(forbidden(child(field, name), 'may not specify more than 1 handler type'));
      return;
    }
    found++;
    errors.push(...check(value, child(field, name)));
  };
  each('exec', handlers.exec, validateExec);
  each('httpGet', handlers.httpGet, validateHTTPGet);
  each('tcpSocket', handlers.tcpSocket, validateTCPSocket);
  each('grpc', handlers.grpc, validateGRPC);
  each('sleep', handlers.sleep, validateSleep);
  if (found === 0) errors.push(required(field, 'must specify a handler type'));
  return errors;
}

/** Which probe is checked: liveness and startup probes must succeed once; readiness probes never kill. */
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/**
 * A probe: one handler, non-negative timings; liveness and startup probes
 * must succeed once (`successThreshold` 1); readiness probes have no
 * termination grace period of their own.
 */
export function validateProbe(
  probe: Probe | undefined,
  field: string,
  kind: ProbeKind,
): FieldError[] {
  if (!probe) return [];
  const errors = validateHandlers(probe, field);
  for (const name of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    errors.push(...nonNegative(child(field, name), probe[name]));
  }
  if (
    probe.terminationGracePeriodSeconds !== undefined &&
    probe.terminationGracePeriodSeconds <= 0
  ) {
    errors.push(
      invalidValue(
        child(field, 'terminationGracePeriodSeconds'),
        probe.terminationGracePeriodSeconds,
        'must be greater than 0',
      ),
    );
  }
  if (
    kind !== 'readiness' &&
    probe.successThreshold !== undefined &&
    probe.successThreshold !== 1
  ) {
    errors.push(
      invalidValue(child(field, 'successThreshold'), probe.successThreshold, 'must be 1'),
    );
  }
  if (kind === 'readiness' && probe.terminationGracePeriodSeconds !== undefined) {
    errors.push(
      invalidValue(
        child(field, 'terminationGracePeriodSeconds'),
        probe.terminationGracePeriodSeconds,
        'must not be set for readinessProbes',
      ),
    );
  }
  return errors;
}

/** postStart and preStop: one handler each. */
export function validateLifecycle(lifecycle: Lifecycle | undefined, field: string): FieldError[] {
  if (!lifecycle) return [];
  const hooks: [string, LifecycleHandler | undefined][] = [
    ['postStart', lifecycle.postStart],
    ['preStop', lifecycle.preStop],
  ];
  return hooks.flatMap(([name, handler]) =>
    handler ? validateHandlers(handler, child(field, name)) : [],
  );
}
