import { Fragment, useMemo } from 'react';
import { parseMarkdown, type Block, type Inline } from './markdown';

/** A step's markdown, as React elements: every piece of it is text, never HTML. */
export function Markdown({ text }: { text: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  return (
    <div className="md">
      {blocks.map((b, i) => (
        <BlockView key={i} block={b} />
      ))}
    </div>
  );
}

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'paragraph':
      return (
        <p>
          <Inlines inline={block.inline} />
        </p>
      );
    case 'heading':
      return (
        <h4>
          <Inlines inline={block.inline} />
        </h4>
      );
    case 'list': {
      const items = block.items.map((item, i) => (
        <li key={i}>
          <Inlines inline={item} />
        </li>
      ));
      return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
    case 'code':
      return (
        <pre>
          <code>{block.text}</code>
        </pre>
      );
    default: {
      const never: never = block;
      return never;
    }
  }
}

function Inlines({ inline }: { inline: Inline[] }) {
  return (
    <>
      {inline.map((x, i) =>
        x.kind === 'text' ? (
          <Fragment key={i}>{x.text}</Fragment>
        ) : x.kind === 'code' ? (
          <code key={i}>{x.text}</code>
        ) : (
          <strong key={i}>
            <Inlines inline={x.children} />
          </strong>
        ),
      )}
    </>
  );
}
