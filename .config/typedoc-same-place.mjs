// TypeDoc plugin: drops TypeDoc's "X has multiple declarations with a comment" warning when every
// declaration it lists is the same file and line (TypeStrong/typedoc#2358). valibot's inferred types
// repeat each field of EmailPersonaSchema's object literal, so each field comment there (which the
// shipped .d.ts keeps, for editors) would fail the build under treatWarningsAsErrors. A warning
// naming two different places is still reported.

/** @param {import('typedoc').Application} app */
export function load(app) {
  const { logger } = app;
  const warn = logger.warn.bind(logger);
  const info = logger.info.bind(logger);
  /** @type {[string, unknown[]] | undefined} */
  let held;
  const release = () => {
    if (held) warn(held[0], ...held[1]);
    held = undefined;
  };
  logger.warn = (message, ...rest) => {
    release();
    if (/ has multiple declarations with a comment\b/.test(String(message))) held = [message, rest];
    else warn(message, ...rest);
  };
  logger.info = (message, ...rest) => {
    const places = String(message).split('\n').slice(1).map((line) => line.trim());
    if (held && places.length > 1 && places.every((place) => place === places[0])) {
      held = undefined;
      return;
    }
    release();
    info(message, ...rest);
  };
  // Anything still held (no info line followed) is reported before the run ends.
  app.converter.on('resolveEnd', release);
}
