import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { adoptLabPath, joinCode } from './address';
import { App } from './App';
import { adoptTokenFromAddress } from './token';
import { JoinPage } from './workshop/JoinPage';

// First: nothing may call the server or read the address before the token is taken from it.
adoptTokenFromAddress();
adoptLabPath();
// A workshop's join link opens the join form alone: the page has no token of its own yet.
const code = joinCode(location.pathname);

createRoot(document.getElementById('root')!).render(<StrictMode>{code ? <JoinPage code={code} /> : <App />}</StrictMode>);
