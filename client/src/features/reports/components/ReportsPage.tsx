export function ReportsPage() {
  return <section className="panel"><h2>ReportsPage</h2></section>;
}
