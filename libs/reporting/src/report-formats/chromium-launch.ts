import { statfsSync } from 'node:fs';
import type { LaunchOptions } from 'playwright-core';

/**
 * The features Playwright's Chromium launch turns off (playwright-core's chromiumSwitches, as of the installed
 * release), passed again with ours: Chromium reads only the last --disable-features switch, so ours must carry
 * Playwright's too. test/browser/chromium-flags.e2e.ts fails when an upgrade of Playwright changes its list.
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * Headless Chromium still loads the address bar's WebUI popup (chrome://omnibox-popup.top-chrome/) for every
 * browser, in a renderer of its own, though no address bar is ever shown: turned off, a browser spec's Chromium
 * CPU fell by a fifth (staff journey, alternating runs: 25.8-30.9 s against 34.4-38.0 s).
 */
export const UNSEEN_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup'];

/**
 * Playwright starts Chromium with --disable-dev-shm-usage, for containers whose /dev/shm is 64 MB: Chromium then
 * keeps its shared memory (frames, IPC) in files under /tmp. Where /dev/shm has room (Debian's own chromium
 * launcher asks for 3.8 GB) that default only costs CPU: 5-10% of Chromium's time in a browser spec, measured
 * alternating with and without.
 */
function sharedMemoryHasRoom(): boolean {
  try {
    const shm = statfsSync('/dev/shm');
    return shm.bavail * shm.bsize >= 4 * 1024 ** 3;
  } catch {
    return false;
  }
}

/**
 * How Debian's Chromium is started, headless, on a server that reaches nothing outside: the same for the PDF
 * printer and for the browser specs, so what the specs measure of Chromium is what the product runs.
 */
export function chromiumLaunchOptions(executablePath: string): LaunchOptions {
  return {
    executablePath,
    ignoreDefaultArgs: [
      ...(sharedMemoryHasRoom() ? ['--disable-dev-shm-usage'] : []),
      `--disable-features=${PLAYWRIGHT_DISABLED_FEATURES.join(',')}`,
    ],
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...UNSEEN_FEATURES].join(',')}`,
    ],
  };
}
