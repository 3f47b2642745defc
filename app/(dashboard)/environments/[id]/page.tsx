import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { extensionsModel, needsValue } from "@/components/environments/extensions-model";
import { ExtensionsSection } from "@/components/environments/extensions-section";
import { VariablesSection } from "@/components/environments/variables-form";
import { StatusMessage } from "@/components/ui/messages";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/session";
import { listAuthConfigs } from "@/lib/auth-configs/store";
import { getEnvironment, getExtensions, overrideCounts, variablesOf } from "@/lib/environments/store";

export const metadata: Metadata = { title: "Environment" };

export default async function EnvironmentPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ copied?: string }> }) {
  const { id } = await params;
  const { copied } = await searchParams;
  const user = await requireUser();
  const env = await getEnvironment(id);
  if (!env) notFound();
  // None of these carries a secret value: secrets come as set / not set / needs a value only.
  const [variables, doc, views, counts] = await Promise.all([variablesOf(id), getExtensions(id), listAuthConfigs(), overrideCounts(id)]);
  const configs = extensionsModel(doc, views, counts);
  const canEdit = user.role === "ADMIN";
  const missing = [
    ...variables.filter((v) => !v.valueSet).map((v) => v.name),
    ...configs.flatMap((c) => c.fields.filter(needsValue).map((f) => `${c.name}: ${f.label}`)),
  ];
  return (
    <>
      <p>
        <Link href="/environments">← Environments</Link>
      </p>
      <PageHeader title={env.name} description={env.description || undefined} />
      {copied ? (
        <StatusMessage>
          Copied as &quot;{env.name}&quot;. Secret values were not copied:{" "}
          {missing.length ? `${missing.length} need a value (${missing.join(", ")}).` : "none were set."}
        </StatusMessage>
      ) : null}
      <section className="panel" aria-labelledby="env-variables">
        <h2 id="env-variables">Variables</h2>
        <p className="muted">
          Connectors use them as <code>{"{{NAME}}"}</code> in the URL, header values, query defaults and JSON body. Names use A-Z, 0-9 and _. Secret
          values are stored encrypted and never shown again.
        </p>
        <VariablesSection environmentId={env.id} variables={variables} canEdit={canEdit} />
      </section>
      <section className="panel" aria-labelledby="env-extensions">
        <h2 id="env-extensions">Extensions</h2>
        <p className="muted">
          Fields of authentication configurations this environment overrides. Unchecked &quot;Use default&quot; means the override below is used when
          connectors run or are tested in this environment.
        </p>
        <ExtensionsSection environmentId={env.id} configs={configs} canEdit={canEdit} />
      </section>
    </>
  );
}
