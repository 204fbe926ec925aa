// Which live ingest sessions use which blobs, so that one session's cleanup
// (after `abort` or a failed `commit`) never deletes a blob another session
// has written or is about to reference. Two pulls of images sharing a layer
// may both commit that layer; whichever gives up, the other keeps it.

/** A session's identity in the claims table. */
export type ClaimOwner = number;

export class BlobClaims {
  readonly #owners = new Map<string, Set<ClaimOwner>>();
  readonly #deleting = new Map<string, Promise<void>>();
  #nextOwner = 1;

  /** A fresh owner identity for a new session. */
  newOwner(): ClaimOwner {
    return this.#nextOwner++;
  }

  /** Marks `digest` as used by `owner` until `releaseAll`. Synchronous on purpose. */
  claim(owner: ClaimOwner, digest: string): void {
    let owners = this.#owners.get(digest);
    if (owners === undefined) this.#owners.set(digest, (owners = new Set()));
    owners.add(owner);
  }

  releaseAll(owner: ClaimOwner): void {
    for (const [digest, owners] of this.#owners) {
      owners.delete(owner);
      if (owners.size === 0) this.#owners.delete(digest);
    }
  }

  /** True when a session other than `owner` uses `digest`. */
  claimedByOthers(owner: ClaimOwner, digest: string): boolean {
    const owners = this.#owners.get(digest);
    return owners !== undefined && [...owners].some((other) => other !== owner);
  }

  /**
   * Resolves once no deletion of `digest` is in progress, so a session that
   * claimed it after a cleanup decided to delete it can safely write it again.
   */
  async deletionSettled(digest: string): Promise<void> {
    await this.#deleting.get(digest);
  }

  /**
   * Deletes, among `digests`, those for which `unused` holds and that no other
   * session claims. The decision for all of them is taken synchronously, before
   * any deletion starts, so a claim made later waits (deletionSettled) instead
   * of racing the delete. Resolves with the deleted digests.
   */
  async deleteUnclaimed(
    owner: ClaimOwner,
    digests: Iterable<string>,
    unused: (digest: string) => boolean,
    remove: (digest: string) => Promise<void>,
  ): Promise<string[]> {
    const doomed = [...digests].filter(
      (digest) =>
        unused(digest) && !this.claimedByOthers(owner, digest) && !this.#deleting.has(digest),
    );
    const deletions = doomed.map((digest) => {
      const deletion = remove(digest).finally(() => this.#deleting.delete(digest));
      this.#deleting.set(digest, deletion);
      return deletion;
    });
    await Promise.all(deletions);
    return doomed;
  }
}
