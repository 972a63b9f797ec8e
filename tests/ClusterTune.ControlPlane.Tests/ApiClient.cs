using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Raw JSON over HttpClient: what the conformance tests send and receive, without any typed client.</summary>
internal sealed class ApiClient(HttpClient http)
{
    public sealed record Response(HttpStatusCode Status, JsonNode? Body, string Text, HttpResponseMessage Message)
    {
        public JsonObject Object => Body as JsonObject ?? throw new InvalidOperationException($"not a JSON object: {Text}");

        public int Code => (int)Status;
    }

    public Task<Response> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, null, null, accept);

    public Task<Response> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json, "application/json");

    public Task<Response> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json, "application/json");

    public Task<Response> PatchAsync(string path, string body, string contentType) => SendAsync(HttpMethod.Patch, path, body, contentType);

    public Task<Response> DeleteAsync(string path, string? json = null) => SendAsync(HttpMethod.Delete, path, json, json is null ? null : "application/json");

    public async Task<Response> SendAsync(HttpMethod method, string path, string? body, string? contentType, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        if (text.Length > 0 && (text[0] == '{' || text[0] == '['))
        {
            node = JsonNode.Parse(text);
        }

        return new Response(response.StatusCode, node, text, response);
    }

    public static string Rv(JsonObject obj) => obj["metadata"]!["resourceVersion"]!.GetValue<string>();
}
