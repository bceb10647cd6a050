import '../widget/styles.css';
import './demo.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { PartnerPage } from './PartnerPage.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <PartnerPage />
  </StrictMode>,
);
