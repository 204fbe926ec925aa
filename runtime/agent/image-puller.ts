// Pulling a container's image per its `imagePullPolicy`, as the kubelet's
// image manager does: `Always` pulls every time (only missing blobs move),
// `IfNotPresent` uses the node's copy when there is one, `Never` fails when
// there is none. A failed pull becomes `ErrImagePull` with the registry's
// message; the pod worker turns repeats into `ImagePullBackOff`.

import type { RegistryClient } from '../images/distribution/index.js';
import { parseReference, ReferenceError, type ImageReference } from '../images/oci/reference.js';
import type { LocalImage, LocalImageStore } from '../images/store/index.js';
import { pullImage } from '../images/transfer/pull.js';
import type { ResolvedImage } from '../runtime.js';

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** Why an image could not be had, with the kubelet's waiting reason. */
export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
  constructor(
    /** `ErrImagePull`, `ErrImageNeverPull` or `InvalidImageName`. */
    readonly reason: 'ErrImagePull' | 'ErrImageNeverPull' | 'InvalidImageName',
    message: string,
  ) {
    super(message);
  }
}

/** An image ready to run, and whether this call pulled it (for the Pulled event's wording). */
export interface PulledImage {
  readonly image: ResolvedImage;
  readonly local: LocalImage;
  readonly pulled: boolean;
  /** Wall time of the pull, when there was one. */
  readonly pullMs?: number;
}

export interface ImagePullerOptions {
  readonly store: LocalImageStore;
  /** A client for `registry` (credentials, plain HTTP for local registries) — supplied by the wiring layer. */
  readonly registryClient: (registry: string) => Promise<RegistryClient>;
}

/** Gets images into the node's store; pulls of one reference at a time share one download. */
export class ImagePuller {
  readonly #options: ImagePullerOptions;
  readonly #inFlight = new Map<string, Promise<LocalImage>>();

  constructor(options: ImagePullerOptions) {
    this.#options = options;
  }

  /** The image `text` per `policy`; throws ImagePullError with a message fit for `status.containerStatuses[].state.waiting.message`. */
  async ensure(text: string, policy: ImagePullPolicy, signal?: AbortSignal): Promise<PulledImage> {
    let reference: ImageReference;
    try {
      reference = parseReference(text);
    } catch (error) {
      const why = error instanceof ReferenceError ? error.message : String(error);
      throw new ImagePullError(
        'InvalidImageName',
        `Failed to apply default image tag "${text}": ${why}`,
      );
    }
    const { store } = this.#options;
    const present = policy === 'Always' ? undefined : await store.get(reference);
    if (present) return { image: await store.resolve(present), local: present, pulled: false };
    if (policy === 'Never') {
      throw new ImagePullError(
        'ErrImageNeverPull',
        `Container image "${text}" is not present with pull policy of Never`,
      );
    }
    const started = Date.now();
    const local = await this.#pull(text, reference, signal);
    return {
      image: await store.resolve(local),
      local,
      pulled: true,
      pullMs: Date.now() - started,
    };
  }

  #pull(text: string, reference: ImageReference, signal?: AbortSignal): Promise<LocalImage> {
    const key = `${reference.registry}/${reference.repository}:${reference.digest ?? reference.tag}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    const pull = (async () => {
      try {
        const client = await this.#options.registryClient(reference.registry);
        return await pullImage({ store: this.#options.store, client, reference, signal });
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new ImagePullError(
          'ErrImagePull',
          `failed to pull and unpack image "${text}": ${why}`,
        );
      } finally {
        this.#inFlight.delete(key);
      }
    })();
    this.#inFlight.set(key, pull);
    return pull;
  }
}
