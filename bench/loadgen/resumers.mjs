// Worker of loadgen/resumeStorm.mjs: the resuming subscribers, on an event
// loop of their own, so that reading a thousand replays does not delay the
// main thread's publishes and bystanders (whose latency is measured there).
import { parentPort, workerData } from "node:worker_threads"
import { setTimeout as sleep } from "node:timers/promises"
import { subscriber, until } from "./rawSubscriber.mjs"

const { target, channel, token, froms, expected, hold, settleMs, timeoutMs } = workerData
const t0 = performance.now()
const resumes = froms.map((from) => subscriber(target, channel, token, from, { read: !hold }))
await Promise.all(resumes.map((s) => s.opened))
let complete = null
if (hold) {
  await sleep(settleMs)
} else {
  const done = await Promise.all(resumes.map((s, i) => until(s, () => s.frames >= expected[i], timeoutMs)))
  complete = done.filter(Boolean).length
}
parentPort.postMessage({
  answered200: resumes.filter((s) => s.status === 200).length,
  refused: resumes.filter((s) => s.status !== 200).length,
  complete,
  frames: resumes.reduce((sum, s) => sum + s.frames, 0),
  expectedFrames: expected.reduce((sum, n) => sum + n, 0),
  ms: Math.round(performance.now() - t0),
})
// Held until the main thread has read the server's memory; then the sockets go.
parentPort.once("message", () => {
  for (const s of resumes) s.close()
  parentPort.close()
})
