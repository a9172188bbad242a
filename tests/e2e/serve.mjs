// Serves the built dist/ on http://127.0.0.1:PORT/kpb/ (the run command's server).
import { serve, BASE } from './harness.mjs';

const port = Number(process.argv[2] ?? 8080);
const server = await serve(port);
console.log(`KPB körs på ${server.url} – öppna adressen och tryck "Prova med exempeldata". Avsluta med Ctrl+C.`);
void BASE;
