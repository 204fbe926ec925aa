// What a read answers with, once negotiated: the object or list itself, a
// Table of it, or its PartialObjectMetadata; watch events are transformed the
// same way, object by object.

import type { ResourceType } from '../api/resources.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/types.js';
import type { ResponseFormat } from './media-types.js';
import type { IncludeObject } from './query-options.js';
import { partialMetadata, partialMetadataList, toTable } from './table/table.js';

/** Renders reads of one type in one negotiated format. */
export interface Representation {
  object(object: KubeObject): unknown;
  list(list: KubeList): unknown;
  /** A transformer of watch events (stateful: Table columns are sent with the first event only). */
  watchEvents(): (event: WatchEvent) => unknown;
}

function isStatus(object: KubeObject | Status): object is Status {
  return object.kind === 'Status';
}

/** The representation of reads of `type` in `format`; `now` is the clock of Table ages. */
export function representation(
  type: ResourceType,
  format: ResponseFormat,
  includeObject: IncludeObject,
  now: () => number,
): Representation {
  switch (format.kind) {
    case 'json':
      return { object: (o) => o, list: (l) => l, watchEvents: () => (e) => e };
    case 'metadata':
      return {
        object: (o) => partialMetadata(o, format.version),
        list: (l) => partialMetadataList(l.items, l.metadata, format.version),
        watchEvents: () => (event) =>
          isStatus(event.object) || event.type === 'BOOKMARK'
            ? event
            : { type: event.type, object: partialMetadata(event.object, format.version) },
      };
    case 'table': {
      const options = { version: format.version, includeObject, now: now() };
      const table = (objects: readonly KubeObject[], metadata: KubeList['metadata']) =>
        toTable(type, objects, metadata, { ...options, now: now() });
      return {
        object: (o) => table([o], { resourceVersion: o.metadata.resourceVersion ?? '' }),
        list: (l) => table(l.items, l.metadata),
        watchEvents: () => {
          let first = true;
          return (event) => {
            if (isStatus(event.object)) return event;
            const rv = { resourceVersion: event.object.metadata.resourceVersion ?? '' };
            const rendered = table(event.type === 'BOOKMARK' ? [] : [event.object], rv);
            // kubectl prints the header once; later events carry rows only.
            const object = first ? rendered : { ...rendered, columnDefinitions: [] };
            first = false;
            return { type: event.type, object };
          };
        },
      };
    }
  }
}
