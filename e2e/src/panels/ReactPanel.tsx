import { useRealtime } from "@conduit/react"
import { reviewPost } from "../demoApi.ts"
import type { PanelOptions } from "../realtimeOptions.ts"

/** The React panel: renders the snapshot of `useRealtime`, nothing else. */
export default function ReactPanel({ options }: { options: PanelOptions }) {
  const { connectionStatus, runStatus, messages, result, error, gap, lastEventId } = useRealtime(options)
  const request = messages.byTopic.approval?.at(-1)?.data
  // The run's token stream, assembled by the client (a retried attempt's take replaces the failed one's).
  const tokens = Object.values(messages.streams).find((s) => s?.topic === "tokens")
  return (
    <article className="panel" data-testid="panel-react">
      <header>
        <h2>React</h2>
        <span className="label">connection</span>
        <span className="badge" title="connectionStatus" data-testid="connection" data-value={connectionStatus}>
          {connectionStatus}
        </span>
        <span className="label">run</span>
        <span className="badge" title="runStatus" data-testid="run-status" data-value={runStatus}>
          {runStatus}
        </span>
      </header>
      <section>
        <h3>Status</h3>
        <ol className="statuses">
          {(messages.byTopic.status ?? []).map((m) => (
            <li key={m.id} data-testid="status-line">{m.data.message}</li>
          ))}
        </ol>
      </section>
      {runStatus === "waiting" && request && (
        <section className="approval" data-testid="approval">
          <h3>Approval</h3>
          <p data-testid="question">{request.question}</p>
          <button type="button" data-testid="approve" onClick={() => void reviewPost(request.postId, true)}>Approve</button>
          <button type="button" data-testid="reject" onClick={() => void reviewPost(request.postId, false)}>Reject</button>
        </section>
      )}
      <section>
        <h3>Tokens</h3>
        <p className="tokens" data-testid="tokens" data-done={tokens?.done ?? false}>
          {(tokens?.topic === "tokens" ? tokens.chunks : []).map((c, i) => (
            <span key={i} className="token" data-testid="token">{c.token}</span>
          ))}
        </p>
      </section>
      {result != null && (
        <section>
          <h3>Result</h3>
          <pre className="result" data-testid="result">{JSON.stringify(result, null, 2)}</pre>
        </section>
      )}
      {error != null && <p className="problem" data-testid="error">{error.code}: {error.message}</p>}
      {gap != null && <p className="problem" data-testid="gap">messages lost after {gap.lastEventId}</p>}
      <footer data-testid="footer">
        {messages.all.length} messages · last id {lastEventId ?? "none"}
      </footer>
    </article>
  )
}
