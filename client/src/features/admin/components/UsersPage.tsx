export function UsersPage() {
  return <section className="panel"><h2>UsersPage</h2></section>;
}
