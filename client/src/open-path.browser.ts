/**
 * The browser side of `#open-path` (package.json `imports`, any condition but `node`): browsers have no paths,
 * and this keeps `node:fs` out of browser bundles.
 */
export async function openPath(_path: string): Promise<{ blob: Blob; name: string }> {
  throw new TypeError('Paths can only be uploaded in Node: pass a File or Blob');
}
