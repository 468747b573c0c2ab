/** Placeholder until the dashboard lands: says where Tollgate listens. */
export function App() {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Tollgate</h1>
      <p>The metering proxy is running. Point your tools' base URL at it; the dashboard arrives with its own issue.</p>
    </main>
  );
}
