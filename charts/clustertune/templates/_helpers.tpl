{{/* Full name: the release name unless it already contains the chart name; "clustertune-operator" for release "clustertune". */}}
{{- define "clustertune.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s-operator" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "clustertune.selectorLabels" -}}
app.kubernetes.io/name: clustertune-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "clustertune.labels" -}}
{{ include "clustertune.selectorLabels" . }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: clustertune
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "clustertune.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "clustertune.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "clustertune.otlpEndpoint" -}}
{{- default (printf "http://%s.%s.svc:%v" (include "clustertune.fullname" .) .Release.Namespace .Values.service.port) .Values.otlpEndpoint -}}
{{- end -}}

{{- /* The Secret holding the silos' Redis connection (key `connection`). */}}
{{- define "clustertune.redisSecret" -}}
{{- default (printf "%s-redis" (include "clustertune.fullname" .)) .Values.redis.existingSecret -}}
{{- end -}}
