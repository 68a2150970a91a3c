/** The live tools the server offers (GET /api/tools), asked once per page load. */
import { useEffect, useState } from 'react';
import { tools, type ToolInfo } from '../api';

let asked: Promise<ToolInfo[]> | null = null;

export function useTools(): ToolInfo[] {
  const [list, setList] = useState<ToolInfo[]>([]);
  useEffect(() => {
    let mounted = true;
    asked ??= tools.list().catch((e: unknown) => {
      asked = null; // ask again next time: the server may have been down
      throw e;
    });
    asked.then(
      (l) => mounted && setList(l),
      () => {},
    );
    return () => {
      mounted = false;
    };
  }, []);
  return list;
}
