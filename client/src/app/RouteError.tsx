import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';

export function RouteError() {
  const err = useRouteError();
  const message = isRouteErrorResponse(err) ? `${err.status} ${err.statusText}` : err instanceof Error ? err.message : String(err);
  return (
    <section className="panel" role="alert">
      <h2>This screen failed</h2>
      <p className="abnormal-text">{message}</p>
      <Link to="/overview">Back to the overview</Link>
    </section>
  );
}
