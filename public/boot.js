// Loads the app's WebAssembly module and registers the service worker that keeps the app
// working offline. A file rather than an inline script, so the CSP can forbid inline scripts.
const tag = document.querySelector('script[data-wasm]');
const app = await import(new URL(tag.dataset.js, document.baseURI).href);
await app.default({ module_or_path: new URL(tag.dataset.wasm, document.baseURI).href });

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('./sw.js').catch((err) => console.warn('Offline-läget kunde inte aktiveras:', err));
}
