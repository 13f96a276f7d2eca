// Loads stage0's own N-API addons (native/*.c, targets of native/binding.gyp), with the one error that says how to
// build them. Each addon is small and optional to different degrees: callers choose load (needed) or tryLoad.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Where `npm run postinstall` (node-gyp rebuild --directory=native) puts the addon of a binding.gyp target. */
export const addonPath = (target: string): string => fileURLToPath(new URL(`../../native/build/Release/${target}.node`, import.meta.url));

/** Loads the addon at `path`, or throws an Error that names it and says how to build it. */
export function loadAddon<T>(path: string, what: string): T {
  try {
    return createRequire(import.meta.url)(path) as T;
  } catch (err) {
    throw new Error(
      `native ${what} addon missing or unloadable at ${path}; build it with: npm run postinstall ` +
        `(runs node-gyp rebuild --directory=native; needs make, gcc and Node headers)`,
      { cause: err },
    );
  }
}

/** The addon, or undefined when it is not built (the caller has a slower way). */
export function tryLoadAddon<T>(path: string, what: string): T | undefined {
  try {
    return loadAddon<T>(path, what);
  } catch {
    return undefined;
  }
}
