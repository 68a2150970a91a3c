import { useEffect, useState } from 'react';
import { api, type Template } from '../api';

/** The server's templates do not change while it runs: asked for once per page, shared by the menu, the side panel and the importer. */
let asked: Promise<Template[]> | undefined;

/** The templates the server offers, asked for once `wanted` (the menu opens, an empty lab shows); [] until they come. */
export function useTemplates(wanted: boolean): Template[] {
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    if (!wanted || templates.length > 0) return;
    let live = true;
    asked ??= api.templates().catch((e: Error) => {
      asked = undefined; // a failed ask is asked again next time
      throw e;
    });
    asked.then(
      (t) => live && setTemplates(t),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [wanted, templates.length]);
  return templates;
}
