// A watch response is a chunked stream of JSON documents, one per line; a
// chunk may end in the middle of a line (or of a UTF-8 character), and may
// hold several lines. This reassembles the lines.

/**
 * The lines of `body`, decoded as UTF-8, without their `\n` (or `\r\n`); blank
 * lines are skipped; a last line without a newline is yielded when the stream
 * ends. Ends when the stream does; errors of the stream (an abort) propagate.
 */
export async function* textLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      if (line.trim() !== '') yield line;
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  if (pending.trim() !== '') yield pending.replace(/\r$/, '');
}
