"use client";
// The Test connector dialog, loaded after the page: the list and the wizard render without it, and
// its code (the request form, the response view) arrives while the user reads the page.
import dynamic from "next/dynamic";

export type { TTestEnvironment, TTestTarget } from "./test-dialog";

export const TestConnectorDialog = dynamic(() => import("./test-dialog").then((m) => m.TestConnectorDialog), { ssr: false });
