export function DevicesPage() {
  return <section className="panel"><h2>DevicesPage</h2></section>;
}
