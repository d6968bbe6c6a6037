#!/usr/bin/env node
// The `conduit` command: the compiled CLI (`npm run build` makes dist/ in the repository).
// This launcher is committed executable, so `npm install` has no mode to change.
import "../dist/cli.js"
