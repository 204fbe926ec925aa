// What a pull or a push reports while it runs, for progress displays.

/** One step of a transfer. Blobs are identified by digest. */
export type TransferEvent =
  /** A blob the transfer needs; `present` when it is already where it is going (no bytes move). */
  | {
      readonly type: 'blob';
      readonly digest: string;
      readonly size: number;
      readonly present: boolean;
      readonly role: 'config' | 'layer' | 'manifest';
    }
  /** Bytes moved so far for a blob (cumulative). */
  | { readonly type: 'bytes'; readonly digest: string; readonly transferred: number }
  /** A blob finished (verified and stored, or uploaded). */
  | { readonly type: 'done'; readonly digest: string }
  /** Something a person should know (e.g. which platform was picked and why). */
  | { readonly type: 'note'; readonly message: string };

export type TransferListener = (event: TransferEvent) => void;
