// How the browser tests (and the screenshot script) start Debian's Chromium: no browser
// download, headless, and no background networking (this machine's network is closed).
export const chromiumPath = process.env.AESPEC_CHROMIUM ?? "/usr/bin/chromium";

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
