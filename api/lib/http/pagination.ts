/**
 * Grottocenter's paginated answers (its ControllerService): 200 when the page holds every item,
 * otherwise 206 Partial Content with `Content-Range: <first>-<last>/<total>` (zero-based positions of
 * the page's first and last items, inclusive; `*\/<total>` for an empty page past the end), exposed to
 * browsers on other origins. Read the request with `parseListQuery` (./requestInput).
 */

interface PageResponse {
  set(field: string, value: string): unknown;
  status(code: number): { json(body: unknown): unknown };
}

export interface PagePosition {
  /** Items skipped before this page. */
  skip: number;
  /** Items on this page. */
  count: number;
  /** Items in the whole list. */
  total: number;
}

export function contentRange({ skip, count, total }: PagePosition): string {
  return count > 0 ? `${skip}-${skip + count - 1}/${total}` : `*/${total}`;
}

/** Sends `body`, the page, with 200 when it holds the whole list and 206 + Content-Range when it does not. */
export function sendPage(res: PageResponse, body: unknown, position: PagePosition): void {
  if (position.total > position.count) {
    res.set('Content-Range', contentRange(position));
    res.set('Access-Control-Expose-Headers', 'Content-Range');
    res.status(206).json(body);
    return;
  }
  res.status(200).json(body);
}
