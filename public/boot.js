// Loads the app's WebAssembly module and registers the service worker that keeps the app
// working offline. A file rather than an inline script, so the CSP can forbid inline scripts.
// No top-level await: a browser too old for it must still get to the message below.

// The app's WebAssembly uses SIMD (.cargo/config.toml) and reference types (Rust's default):
// Chrome and Edge from 96, Firefox from 89, Safari from 16.4. This module of 30 bytes, a
// function (externref) -> v128 returning i32x4.splat(0), compiles only where both are
// (tests/e2e/start.test.mjs holds it to that with binaryen).
const PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 111, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11]);

/** Tells the user, in place of the app, why it could not start. */
function cannotStart(text) {
  const p = document.createElement('p');
  p.className = 'busy error cannot-start';
  p.setAttribute('role', 'alert');
  p.dataset.testid = 'cannot-start';
  p.textContent = text + ' Inga uppgifter har lämnat datorn.';
  document.body.prepend(p);
}

async function start() {
  const tag = document.querySelector('script[data-wasm]');
  const app = await import(new URL(tag.dataset.js, document.baseURI).href);
  await app.default({ module_or_path: new URL(tag.dataset.wasm, document.baseURI).href });
  if ('serviceWorker' in navigator && location.protocol !== 'file:') {
    navigator.serviceWorker.register('./sw.js').catch((err) => console.warn('Offline-läget kunde inte aktiveras:', err));
  }
}

if (typeof WebAssembly !== 'object') {
  // Switched off (Safari's Lockdown Mode, a security policy) more often than missing.
  cannotStart(
    'Verktyget kan inte starta: webbläsaren kör inte WebAssembly, som verktyget räknar med. ' +
      'Det kan vara avstängt (till exempel i Låst läge eller av en säkerhetsinställning); ' +
      'slå på det eller öppna sidan i en annan webbläsare.',
  );
} else if (!WebAssembly.validate(PROBE)) {
  cannotStart(
    'Verktyget kan inte starta i den här webbläsaren: den är för gammal för verktygets WebAssembly. ' +
      'Uppdatera webbläsaren eller öppna sidan i en nyare: Chrome eller Edge 96, Firefox 89 eller ' +
      'Safari 16.4 (eller senare versioner). På iPhone och iPad: uppdatera till iOS 16.4 eller senare.',
  );
} else {
  start().catch((err) => {
    console.error(err);
    cannotStart(
      'Verktyget kunde inte starta: webbläsaren kunde inte läsa in verktygets program. Ladda om sidan; ' +
        'hjälper det inte, prova en annan webbläsare.',
    );
  });
}
