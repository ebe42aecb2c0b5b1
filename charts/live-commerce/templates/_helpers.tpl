{{/* Names */}}
{{- define "lc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release name: `helm install live ...` gives live-management-api, live-ws-gateway, ... */}}
{{- define "lc.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <fullname>-<app>, for an app's Deployment, Service, HPA, ... */}}
{{- define "lc.appFullname" -}}
{{- printf "%s-%s" (include "lc.fullname" .root) .app.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "lc.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "lc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: live-commerce
{{- end -}}

{{- define "lc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lc.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app.name }}
{{- end -}}

{{- define "lc.appLabels" -}}
{{ include "lc.labels" .root }}
app.kubernetes.io/component: {{ .app.name }}
{{- end -}}

{{- define "lc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "lc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "lc.secretName" -}}
{{- default (include "lc.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{/* <registry>/<repository>/<app>:<tag> or @<digest> */}}
{{- define "lc.image" -}}
{{- $img := .root.Values.image -}}
{{- $base := printf "%s/%s/%s" $img.registry $img.repository .name | trimPrefix "/" -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $base $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $base (default .root.Chart.AppVersion $img.tag) -}}
{{- end -}}
{{- end -}}

{{/*
The enabled backend apps, each merged over .Values.defaults (the app's keys win), as JSON:
{"apps":[{...}, ...]} in a stable order (sorted by values key).
*/}}
{{- define "lc.apps" -}}
{{- $out := list -}}
{{- range $key := keys .Values.apps | sortAlpha -}}
{{- $app := index $.Values.apps $key -}}
{{- if $app.enabled -}}
{{- $merged := mergeOverwrite (deepCopy $.Values.defaults) (deepCopy $app) -}}
{{- $_ := set $merged "key" $key -}}
{{- if gt (int $merged.autoscaling.minReplicas) (int $merged.autoscaling.maxReplicas) -}}
{{- fail (printf "apps.%s.autoscaling: minReplicas (%v) is above maxReplicas (%v)" $key $merged.autoscaling.minReplicas $merged.autoscaling.maxReplicas) -}}
{{- end -}}
{{- $out = append $out $merged -}}
{{- end -}}
{{- end -}}
{{- dict "apps" $out | toJson -}}
{{- end -}}

{{/* The enabled web apps merged over .Values.webDefaults. */}}
{{- define "lc.webApps" -}}
{{- $out := list -}}
{{- range $key := keys .Values.web | sortAlpha -}}
{{- $app := index $.Values.web $key -}}
{{- if $app.enabled -}}
{{- $merged := mergeOverwrite (deepCopy $.Values.webDefaults) (deepCopy $app) -}}
{{- $_ := set $merged "key" $key -}}
{{- $out = append $out $merged -}}
{{- end -}}
{{- end -}}
{{- dict "apps" $out | toJson -}}
{{- end -}}

{{/* Whether an app is scaled by a KEDA ScaledObject (then no plain HPA is rendered). */}}
{{- define "lc.usesKeda" -}}
{{- if and .root.Values.keda.enabled .app.autoscaling.enabled .app.keda -}}true{{- end -}}
{{- end -}}

{{/* The environment every backend container gets besides the ConfigMap. */}}
{{- define "lc.secretEnv" -}}
- name: AUTH_JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "lc.secretName" . }}
      key: AUTH_JWT_SECRET
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "lc.secretName" . }}
      key: REDIS_URL
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if .Values.database.urlFromSecret.name }}
      name: {{ .Values.database.urlFromSecret.name }}
      key: {{ .Values.database.urlFromSecret.key }}
      {{- else }}
      name: {{ include "lc.secretName" . }}
      key: DATABASE_URL
      {{- end }}
{{- end -}}

{{/*
SRT ingest (apps.encoderOrchestrator.srt), checked, as JSON: {"ports":[10080, ...]} when it is
on, {"ports":[]} when it is off. Every encoder replica opens a show's listener on the same port
of this range (see SrtPorts), so the Service load-balances each port over all of them.
*/}}
{{- define "lc.srt" -}}
{{- $enc := .Values.apps.encoderOrchestrator -}}
{{- $srt := $enc.srt -}}
{{- $ports := list -}}
{{- if and $enc.enabled $srt $srt.enabled -}}
{{- if not $srt.host -}}
{{- fail "apps.encoderOrchestrator.srt.host is required with SRT on: the public host name or address of the SRT Service, for the srtUrl sellers paste into OBS" -}}
{{- end -}}
{{- $r := splitList "-" $srt.ports -}}
{{- $from := atoi (first $r) -}}
{{- $to := atoi (last $r) -}}
{{- if or (lt $from 1) (gt $to 65535) (gt $from $to) (gt (sub $to $from) 99) -}}
{{- fail (printf "apps.encoderOrchestrator.srt.ports: %s is not a range of 1 to 100 ports between 1 and 65535" $srt.ports) -}}
{{- end -}}
{{- if and (eq $srt.serviceType "NodePort") (or (lt $from 30000) (gt $to 32767)) -}}
{{- fail (printf "apps.encoderOrchestrator.srt.ports: %s must lie in the NodePort range (30000-32767) with serviceType NodePort, since each node port equals its port" $srt.ports) -}}
{{- end -}}
{{- range $p := untilStep $from (add1 $to | int) 1 -}}
{{- $ports = append $ports $p -}}
{{- end -}}
{{- end -}}
{{- dict "ports" $ports | toJson -}}
{{- end -}}
