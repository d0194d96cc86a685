export function OverviewPage() {
  return <section className="panel"><h2>OverviewPage</h2></section>;
}
