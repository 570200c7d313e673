/** A file's access log: who read, downloaded, changed or shared it, newest first, a page at a time. */
import { useConsole } from '../context.ts';
import { formatDate } from '../format.ts';
import { useLoader } from '../use-loader.ts';
import { useCursorPager } from './cursor-pager.tsx';

export function AccessLog({ fileId, version }: { fileId: string; /** Changes after each action, to show it. */ version: number }) {
  const { client } = useConsole();
  const pager = useCursorPager();
  const { data, loading } = useLoader(() => client.files.accessLogPage(fileId, { limit: 20, cursor: pager.cursor }), [fileId, pager.cursor, version]);
  return (
    <section aria-labelledby="access-log-heading" aria-busy={loading}>
      <h3 id="access-log-heading">Access log</h3>
      <table class="access-log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Role</th>
            <th scope="col">Action</th>
            <th scope="col">Via</th>
          </tr>
        </thead>
        <tbody>
          {data?.events.map((entry, i) => (
            <tr key={`${entry.at}-${i}`}>
              <td>{formatDate(entry.at)}</td>
              <td>{entry.actor.id}</td>
              <td>{entry.actor.role}</td>
              <td>{entry.action}</td>
              <td>{entry.via}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pager.controls(data?.nextCursor)}
    </section>
  );
}
