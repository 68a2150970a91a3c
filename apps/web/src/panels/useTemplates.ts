import { useEffect, useState } from 'react';
import { api, type Template } from '../api';

/** The templates the server offers, asked for once `wanted` (the menu opens, the first screen shows); [] until they come. */
export function useTemplates(wanted: boolean): Template[] {
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    if (wanted && templates.length === 0) void api.templates().then(setTemplates, () => {});
  }, [wanted, templates.length]);
  return templates;
}
