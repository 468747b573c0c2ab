import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createHttpTransport } from './api/http-transport';
import { createIpcTransport } from './api/ipc-transport';
import { App } from './App';
import { DashboardProvider } from './store/context';
import { createDashboard } from './store/store';
import './styles.css';

// The app window has the preload's bridge; a browser (headless mode) has the admin HTTP API on this same origin.
const bridge = window.tollgate;
const transport = bridge ? createIpcTransport(bridge) : createHttpTransport();
const dashboard = createDashboard(transport);
dashboard.actions.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <DashboardProvider value={dashboard}>
      <App />
    </DashboardProvider>
  </StrictMode>,
);
