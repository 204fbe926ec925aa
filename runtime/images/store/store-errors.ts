// Errors of the image store beyond those of the contract (image-store-types.ts).

/** No image in the store for the reference (`skiff rmi`, `tag` of a missing image, ...). */
export class ImageNotFoundError extends Error {
  override readonly name = 'ImageNotFoundError';
}
