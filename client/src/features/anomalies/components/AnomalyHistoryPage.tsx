export function AnomalyHistoryPage() {
  return <section className="panel"><h2>AnomalyHistoryPage</h2></section>;
}
