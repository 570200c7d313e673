/** The console's entry: reads config.json, then shows the sign-in form or the signed-in console. */
import { render } from 'preact';
import './app.css';
import { App } from './app.tsx';
import { loadConfig } from './config.ts';

const root = document.getElementById('app')!;
loadConfig().then(
  (config) => {
    // The static "Loading" text goes; Preact renders into an empty element.
    root.replaceChildren();
    render(<App config={config} />, root);
  },
  (error: unknown) => {
    root.textContent = `The console could not start: ${(error as Error).message}`;
    root.setAttribute('role', 'alert');
  },
);
