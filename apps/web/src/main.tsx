import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { adoptLabPath, parseAddress } from './address';
import { App } from './App';
import { adoptTokenFromAddress } from './token';
import { JoinPage } from './workshop/JoinPage';
import { followHistory } from './share/route';
import { ViewPage } from './share/ViewPage';

// First: nothing may call the server or read the address before the token is taken from it.
adoptTokenFromAddress();
adoptLabPath();
// A workshop's join link opens the join form alone, a view link the lab's diagram alone: neither page has a token of its own.
const at = parseAddress(location.href);
if (at.page === 'designer') followHistory();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {at.page === 'join' ? <JoinPage code={at.code} /> : at.page === 'view' ? <ViewPage lab={at.lab} viewKey={at.key} /> : <App />}
  </StrictMode>,
);
