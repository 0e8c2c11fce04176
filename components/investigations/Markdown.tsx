"use client";
/**
 * Investigation notes as Markdown, rendered by react-markdown: React elements, no raw HTML (HTML in
 * the notes is dropped, not run), and links only with safe protocols (react-markdown's default URL
 * filter removes javascript: and the like). Links open in a new tab.
 */
import ReactMarkdown from "react-markdown";
import styles from "./investigations.module.css";

export function Markdown(props: { text: string }) {
  return (
    <div className={styles.markdown} data-testid="notes">
      <ReactMarkdown
        skipHtml
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noreferrer noopener">
              {children}
            </a>
          ),
        }}
      >
        {props.text}
      </ReactMarkdown>
    </div>
  );
}
