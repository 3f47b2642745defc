"use client";
// Editable rows (headers, query parameters, form parameters): each input labelled with its column
// name, an "Add ..." button, and a Remove button per row.
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

export function RowList(props: { title: string; addLabel: string; count: number; onAdd: () => void; children: ReactNode; empty: string }) {
  return (
    <fieldset className="fieldset">
      <legend>{props.title}</legend>
      {props.count === 0 ? <p className="muted">{props.empty}</p> : <div className="rows">{props.children}</div>}
      <div>
        <Button size="small" onClick={props.onAdd}>{props.addLabel}</Button>
      </div>
    </fieldset>
  );
}

export function Row({ children, onRemove, removeLabel }: { children: ReactNode; onRemove: () => void; removeLabel: string }) {
  return (
    <div className="row-item" role="group" aria-label={removeLabel.replace(/^Remove /, "")}>
      {children}
      <Button size="small" variant="danger" onClick={onRemove} aria-label={removeLabel}>Remove</Button>
    </div>
  );
}
