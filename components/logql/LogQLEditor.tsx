"use client";
/**
 * A LogQL editor: CodeMirror 6 with Grafana's own LogQL grammar (@grafana/lezer-logql) for
 * highlighting. It does not judge queries itself: the server's parser is the authority, and its
 * error positions arrive as `diagnostics` and are drawn in place.
 */
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { HighlightStyle, LRLanguage, LanguageSupport, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, placeholder as placeholderExtension } from "@codemirror/view";
import { parser } from "@grafana/lezer-logql";
import { styleTags, tags } from "@lezer/highlight";
import { useEffect, useRef } from "react";
import styles from "./LogQLEditor.module.css";

const logql = new LanguageSupport(
  LRLanguage.define({
    name: "logql",
    parser: parser.configure({
      props: [
        styleTags({
          "Json Logfmt Unpack Pattern Regexp Unwrap LabelFormat LineFormat LabelReplace Decolorize Drop Keep": tags.keyword,
          "By Without Bool On Ignoring GroupLeft GroupRight Offset": tags.modifier,
          "Sum Avg Count Max Min Stddev Stdvar Bottomk Topk Sort Sort_Desc Approx_Topk": tags.function(tags.variableName),
          "CountOverTime Rate RateCounter BytesOverTime BytesRate AvgOverTime SumOverTime MinOverTime MaxOverTime StddevOverTime StdvarOverTime QuantileOverTime FirstOverTime LastOverTime AbsentOverTime Vector Ip":
            tags.function(tags.variableName),
          "BytesConv DurationConv DurationSecondsConv": tags.function(tags.variableName),
          Identifier: tags.labelName,
          String: tags.string,
          "Number Duration Bytes": tags.number,
          "Eq Neq Re Nre PipeExact PipeMatch PipePattern Npa Pipe Gtr Gte Lss Lte Eql Add Sub Mul Div Mod Pow And Or Unless": tags.operator,
          LineComment: tags.lineComment,
        }),
      ],
    }),
  }),
);

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "#7c3aed", fontWeight: "600" },
  { tag: tags.modifier, color: "#7c3aed" },
  { tag: tags.function(tags.variableName), color: "#1d4ed8", fontWeight: "600" },
  { tag: tags.labelName, color: "#b45309" },
  { tag: tags.string, color: "#047857" },
  { tag: tags.number, color: "#be123c" },
  { tag: tags.operator, color: "#475569" },
  { tag: tags.lineComment, color: "#94a3b8", fontStyle: "italic" },
]);

export interface LogQLDiagnostic {
  /** 0-based offsets into the query. */
  from: number;
  to: number;
  message: string;
}

export function LogQLEditor(props: {
  value: string;
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter or Shift+Enter. */
  onRun?(): void;
  diagnostics?: LogQLDiagnostic[];
  placeholder?: string;
  ariaLabel?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef(props);
  useEffect(() => {
    callbacks.current = props;
  });

  useEffect(() => {
    if (!host.current) return;
    const run = () => {
      callbacks.current.onRun?.();
      return true;
    };
    view.current = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: callbacks.current.value,
        extensions: [
          history(),
          keymap.of([{ key: "Mod-Enter", run }, { key: "Shift-Enter", run }, ...defaultKeymap, ...historyKeymap]),
          logql,
          syntaxHighlighting(highlight),
          lintGutter(),
          EditorView.lineWrapping,
          placeholderExtension(callbacks.current.placeholder ?? '{__aws_log_type="s3_vpc_flow"} |= "REJECT"'),
          EditorView.contentAttributes.of({ "aria-label": callbacks.current.ariaLabel ?? "LogQL query", "data-testid": "logql-editor" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
  }, []);

  // Outside changes (the filter builder, a link) replace the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== props.value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const length = editor.state.doc.length;
    const diagnostics: Diagnostic[] = (props.diagnostics ?? []).map((d) => ({
      from: Math.min(Math.max(0, d.from), length),
      to: Math.min(Math.max(d.from + 1, d.to), length),
      severity: "error",
      message: d.message,
    }));
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [props.diagnostics]);

  return <div ref={host} className={styles.editor} />;
}
