// events.k8s.io/v1 ⇄ core/v1 Events: the renamed fields both ways, and the
// rules Kubernetes applies to an Event written in the events.k8s.io/v1 form.

import t from 'tap';
import {
  eventFromEventsV1,
  eventToEventsV1,
  validateEventsV1,
} from '../../controlplane/api/conversion/event-events-v1.js';
import type { KubeObject } from '../../controlplane/api/types.js';

const regarding = { kind: 'Pod', name: 'web', namespace: 'default' };
const served: KubeObject = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web.1', namespace: 'default' },
  eventTime: '2026-11-27T10:00:00.000000Z',
  series: { count: 2, lastObservedTime: '2026-11-27T10:01:00.000000Z' },
  reportingController: 'skiff.dev/scheduler',
  reportingInstance: 'node-1',
  action: 'Binding',
  reason: 'Scheduled',
  regarding,
  note: 'bound to node-1',
  type: 'Normal',
};

t.test('the renamed fields, both ways', async (t) => {
  const core = eventFromEventsV1(served);
  t.same(core, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default' },
    eventTime: '2026-11-27T10:00:00.000000Z',
    series: { count: 2, lastObservedTime: '2026-11-27T10:01:00.000000Z' },
    reportingInstance: 'node-1',
    action: 'Binding',
    reason: 'Scheduled',
    type: 'Normal',
    involvedObject: regarding,
    message: 'bound to node-1',
    reportingComponent: 'skiff.dev/scheduler',
  });
  t.same(eventToEventsV1(core), served, 'and back');
  const older = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.2', namespace: 'default' },
    involvedObject: regarding,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-11-27T10:00:00Z',
    lastTimestamp: '2026-11-27T10:05:00Z',
    count: 3,
  };
  t.match(eventToEventsV1(older), {
    regarding,
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
    deprecatedFirstTimestamp: '2026-11-27T10:00:00Z',
    deprecatedLastTimestamp: '2026-11-27T10:05:00Z',
    deprecatedCount: 3,
  });
  t.notOk('source' in eventToEventsV1(older), 'no core/v1 field is left in the served form');
});

const reasons = (errors: readonly { field: string; reason: string }[]) =>
  errors.map((e) => `${e.field}: ${e.reason}`);

t.test("creates: Kubernetes' rules for the events.k8s.io/v1 form", async (t) => {
  t.same(validateEventsV1(served), []);
  t.same(
    reasons(
      validateEventsV1({
        ...served,
        reportingController: undefined,
        type: 'Odd',
        series: { count: 1 },
        deprecatedCount: 2,
        deprecatedSource: { component: 'kubelet' },
      }),
    ),
    [
      'reportingController: FieldValueRequired',
      'reportingController: FieldValueInvalid',
      'reportingController: FieldValueInvalid',
      'series.count: FieldValueInvalid',
      'series.lastObservedTime: FieldValueRequired',
      'type: FieldValueInvalid',
      'count: FieldValueInvalid',
      'source: FieldValueInvalid',
    ],
  );
  // Without eventTime an Event is read in its older form, whose rules ask no reporter.
  t.same(
    reasons(validateEventsV1({ ...served, eventTime: undefined, reportingController: undefined })),
    ['eventTime: FieldValueRequired'],
  );
});

t.test('updates: only the series may change', async (t) => {
  const repeated = {
    ...served,
    series: { count: 3, lastObservedTime: '2026-11-27T10:02:00.000000Z' },
  };
  t.same(validateEventsV1(repeated, served), []);
  t.same(reasons(validateEventsV1({ ...served, note: 'changed' }, served)), [
    'message: FieldValueInvalid',
  ]);
  t.same(reasons(validateEventsV1({ ...served, series: { count: 1 } }, served)), [
    'series.count: FieldValueInvalid',
    'series.lastObservedTime: FieldValueRequired',
  ]);
});
