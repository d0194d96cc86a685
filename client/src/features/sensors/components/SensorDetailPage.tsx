export function SensorDetailPage() {
  return <section className="panel"><h2>SensorDetailPage</h2></section>;
}
