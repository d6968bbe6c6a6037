import { createApp } from "vue"
import App from "./App.vue"

createApp(App, { runId: "run_1" }).mount("#app")
