// Loads the app's WebAssembly module and registers the service worker that keeps the app
// working offline. A file rather than an inline script, so the CSP can forbid inline scripts.

// The app is built with WebAssembly's SIMD (.cargo/config.toml): a browser without it (Safari
// before 16.4, Chrome and Firefox before 2021) cannot compile it. A function returning
// i32x4.splat(0), which only such a browser refuses.
const SIMD = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 17, 11]);

/** Tells the user, in place of the app, why it could not start. */
function cannotStart(text) {
  const p = document.createElement('p');
  p.className = 'busy error cannot-start';
  p.setAttribute('role', 'alert');
  p.dataset.testid = 'cannot-start';
  p.textContent = text;
  document.body.prepend(p);
}

if (typeof WebAssembly !== 'object' || !WebAssembly.validate(SIMD)) {
  cannotStart(
    'Verktyget kan inte starta i den här webbläsaren: den är för gammal för verktygets WebAssembly (SIMD). ' +
      'Uppdatera webbläsaren eller öppna sidan i en nyare: Edge, Chrome eller Firefox från 2021 eller senare, ' +
      'Safari 16.4 eller senare. Inga uppgifter har lämnat datorn.',
  );
} else {
  try {
    const tag = document.querySelector('script[data-wasm]');
    const app = await import(new URL(tag.dataset.js, document.baseURI).href);
    await app.default({ module_or_path: new URL(tag.dataset.wasm, document.baseURI).href });
    if ('serviceWorker' in navigator && location.protocol !== 'file:') {
      navigator.serviceWorker.register('./sw.js').catch((err) => console.warn('Offline-läget kunde inte aktiveras:', err));
    }
  } catch (err) {
    console.error(err);
    cannotStart(
      'Verktyget kunde inte starta: webbläsaren kunde inte läsa in dess program. Ladda om sidan; ' +
        'hjälper det inte, prova en annan webbläsare. Inga uppgifter har lämnat datorn.',
    );
  }
}
