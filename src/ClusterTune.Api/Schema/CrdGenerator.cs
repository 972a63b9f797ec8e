using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Schema;

/// <summary>
/// Generates apiextensions.k8s.io/v1 CustomResourceDefinitions from the C# API types by reflection: the OpenAPI v3
/// schema follows the JSON names of <see cref="ApiJson.Options"/>; [RequiredField], [Minimum], [Maximum],
/// [MaxItems], [MaxLength], [Pattern], [TransitionRule] and [Description] add constraints; the result is a structural schema.
/// </summary>
public static class CrdGenerator
{
    /// <summary>The custom resource types ClusterTune serves, in the order their CRDs are listed.</summary>
    public static readonly IReadOnlyList<Type> ResourceTypes = [typeof(FineTuneJob), typeof(Trial)];

    // controller-gen's pattern for resource.Quantity.
    private const string QuantityPattern =
        @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

    /// <summary>The file name of a resource's CRD, as controller-gen names it: &lt;group&gt;_&lt;plural&gt;.yaml.</summary>
    public static string FileName(Type resourceType) => $"{ApiGroup.Group}_{Resource(resourceType).Plural}.yaml";

    /// <summary>The first line of every generated CRD file.</summary>
    public const string GeneratedHeader =
        "# Generated from the C# types by ClusterTune.Api.Schema.CrdGenerator; do not edit. Regenerate: make crds\n";

    /// <summary>Every CRD as (file name, YAML text with <see cref="GeneratedHeader"/>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> GenerateAllYaml() =>
        ResourceTypes.Select(t => new KeyValuePair<string, string>(FileName(t), GeneratedHeader + YamlEmitter.Write(Generate(t)))).ToList();

    /// <summary>The CRD of a [CustomResource] type as a JSON tree.</summary>
    public static JsonObject Generate(Type resourceType)
    {
        var r = Resource(resourceType);
        var names = new JsonObject
        {
            ["kind"] = r.Kind,
            ["listKind"] = r.Kind + "List",
            ["plural"] = r.Plural,
            ["singular"] = r.Singular,
        };
        if (r.ShortNames.Length > 0)
        {
            names["shortNames"] = Array(r.ShortNames);
        }

        if (r.Categories.Length > 0)
        {
            names["categories"] = Array(r.Categories);
        }

        var columns = new JsonArray();
        foreach (var c in resourceType.GetCustomAttributes<PrinterColumnAttribute>().OrderBy(c => c.Order))
        {
            var col = new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["jsonPath"] = c.JsonPath };
            if (c.Description is not null)
            {
                col["description"] = c.Description;
            }

            if (c.Format is not null)
            {
                col["format"] = c.Format;
            }

            if (c.Priority != 0)
            {
                col["priority"] = c.Priority;
            }

            columns.Add(col);
        }

        var version = new JsonObject
        {
            ["name"] = ApiGroup.Version,
            ["served"] = true,
            ["storage"] = true,
            ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
            ["additionalPrinterColumns"] = columns,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = RootSchema(resourceType, r) },
        };

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{r.Plural}.{ApiGroup.Group}",
                ["labels"] = new JsonObject { [LabelKeys.ManagedBy] = LabelKeys.ManagedByValue },
            },
            ["spec"] = new JsonObject
            {
                ["group"] = ApiGroup.Group,
                ["names"] = names,
                ["scope"] = r.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    /// <summary>The OpenAPI v3 schema of any API type (objects, lists, maps, enums, scalars).</summary>
    public static JsonObject SchemaFor(Type type) => Schema(type, property: null);

    private static CustomResourceAttribute Resource(Type t) =>
        t.GetCustomAttribute<CustomResourceAttribute>()
        ?? throw new ArgumentException($"{t.Name} has no [CustomResource] attribute.", nameof(t));

    private static JsonObject RootSchema(Type type, CustomResourceAttribute r)
    {
        var schema = ObjectSchema(type);
        var props = (JsonObject)schema["properties"]!;
        // The API server owns metadata's schema; a CRD must only say it is an object.
        props["metadata"] = new JsonObject { ["type"] = "object" };
        props["apiVersion"] = new JsonObject
        {
            ["type"] = "string",
            ["description"] = "APIVersion defines the versioned schema of this representation of an object.",
        };
        props["kind"] = new JsonObject
        {
            ["type"] = "string",
            ["description"] = "Kind is a string value representing the REST resource this object represents.",
        };
        schema["properties"] = Sorted(props);
        schema.Remove("description");
        var ordered = new JsonObject { ["description"] = $"{r.Kind} is a ClusterTune {r.Kind} ({ApiGroup.ApiVersion})." };
        foreach (var (k, v) in schema.ToList())
        {
            schema.Remove(k);
            ordered[k] = v;
        }
        return ordered;
    }

    private static JsonObject Schema(Type type, PropertyInfo? property)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        JsonObject s;
        if (t == typeof(string))
        {
            s = new JsonObject { ["type"] = "string" };
        }
        else if (t == typeof(bool))
        {
            s = new JsonObject { ["type"] = "boolean" };
        }
        else if (t == typeof(int))
        {
            s = new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        }
        else if (t == typeof(long))
        {
            s = new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        }
        else if (t == typeof(double))
        {
            s = new JsonObject { ["type"] = "number" };
        }
        else if (t == typeof(DateTimeOffset) || t == typeof(DateTime))
        {
            s = new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }
        else if (t == typeof(ParamValue))
        {
            // A JSON scalar of any type: structural schemas allow an untyped node only with preserve-unknown-fields.
            s = new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
        }
        else if (t == typeof(ResourceQuantity))
        {
            s = new JsonObject
            {
                ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
                ["pattern"] = QuantityPattern,
                ["x-kubernetes-int-or-string"] = true,
            };
        }
        else if (t.IsEnum)
        {
            s = new JsonObject { ["type"] = "string", ["enum"] = Array(EnumNames(t)) };
        }
        else if (t == typeof(V1Condition))
        {
            s = ConditionSchema();
        }
        else if (t == typeof(V1ObjectMeta))
        {
            s = new JsonObject { ["type"] = "object" };
        }
        else if (t.IsGenericType && t.GetGenericTypeDefinition() is var g && (g == typeof(Dictionary<,>) || g == typeof(IDictionary<,>)))
        {
            if (t.GetGenericArguments()[0] != typeof(string))
            {
                throw new NotSupportedException($"Map keys must be strings ({property?.Name}).");
            }

            s = new JsonObject { ["type"] = "object", ["additionalProperties"] = Schema(t.GetGenericArguments()[1], null) };
        }
        else if (t.IsGenericType && t.GetGenericTypeDefinition() is var l && (l == typeof(List<>) || l == typeof(IList<>)))
        {
            var item = t.GetGenericArguments()[0];
            s = new JsonObject { ["type"] = "array", ["items"] = Schema(item, null) };
            if (item == typeof(V1Condition))
            {
                s["x-kubernetes-list-map-keys"] = new JsonArray("type");
                s["x-kubernetes-list-type"] = "map";
            }
        }
        else if (t.IsClass && (t.Namespace?.StartsWith("ClusterTune.Api", StringComparison.Ordinal) == true || t.Namespace == "k8s.Models"))
        {
            s = ObjectSchema(t);
        }
        else
        {
            throw new NotSupportedException($"No OpenAPI mapping for {t.FullName} ({property?.DeclaringType?.Name}.{property?.Name}).");
        }

        if (property is not null)
        {
            ApplyAttributes(s, property);
        }

        if (t == typeof(int))
        {
            // The server must refuse what the operator cannot read: a value beyond int32 used to be stored (format
            // int32 is not enforced) and then made every decode of the object fail.
            s["minimum"] ??= int.MinValue;
            s["maximum"] ??= int.MaxValue;
        }
        return s;
    }

    private static JsonObject ObjectSchema(Type t)
    {
        var props = new JsonObject();
        var required = new List<string>();
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.GetCustomAttribute<JsonIgnoreAttribute>() is not null || p.GetMethod is null || p.SetMethod is null)
            {
                continue;
            }
            // k8s.Models' reserved-word renames (NamespaceProperty, ...) carry their JSON name; skip nothing else.
            if (p.DeclaringType?.Namespace == "k8s.Models" && p.GetCustomAttribute<JsonPropertyNameAttribute>() is null)
            {
                continue;
            }

            var name = JsonName(p);
            props[name] = Schema(p.PropertyType, p);
            if (p.GetCustomAttribute<RequiredFieldAttribute>() is not null)
            {
                required.Add(name);
            }
        }
        var s = new JsonObject { ["type"] = "object", ["properties"] = Sorted(props) };
        if (required.Count > 0)
        {
            s["required"] = Array(required.Order(StringComparer.Ordinal));
        }

        return s;
    }

    private static void ApplyAttributes(JsonObject s, PropertyInfo p)
    {
        if (p.GetCustomAttribute<DescriptionAttribute>() is { } d)
        {
            // Description first so the generated YAML reads like `kubectl explain`.
            var copy = s.ToList();
            foreach (var (k, _) in copy)
            {
                s.Remove(k);
            }

            s["description"] = d.Description;
            foreach (var (k, v) in copy)
            {
                s[k] = v;
            }
        }
        if (p.GetCustomAttribute<MinimumAttribute>() is { } min)
        {
            s["minimum"] = Number(min.Value);
            if (min.Exclusive)
            {
                s["exclusiveMinimum"] = true;
            }
        }
        if (p.GetCustomAttribute<MaximumAttribute>() is { } max)
        {
            s["maximum"] = Number(max.Value);
            if (max.Exclusive)
            {
                s["exclusiveMaximum"] = true;
            }
        }
        if (p.GetCustomAttribute<MaxItemsAttribute>() is { } mi)
        {
            s[s["type"]?.GetValue<string>() == "object" ? "maxProperties" : "maxItems"] = mi.Value;
        }

        if (p.GetCustomAttribute<MaxLengthAttribute>() is { } ml)
        {
            s["maxLength"] = ml.Value;
        }

        if (p.GetCustomAttribute<PatternAttribute>() is { } pat)
        {
            s["pattern"] = pat.Value;
        }

        if (p.GetCustomAttributes<TransitionRuleAttribute>().ToList() is { Count: > 0 } rules)
        {
            s["x-kubernetes-validations"] = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject { ["message"] = r.Message, ["rule"] = r.Rule })]);
        }
    }

    // metav1.Condition as controller-gen renders it.
    private static JsonObject ConditionSchema() => new()
    {
        ["description"] = "Condition contains details for one aspect of the current state of this API Resource.",
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["lastTransitionTime"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["message"] = new JsonObject { ["type"] = "string", ["maxLength"] = 32768 },
            ["observedGeneration"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0 },
            ["reason"] = new JsonObject
            {
                ["type"] = "string",
                ["maxLength"] = 1024,
                ["minLength"] = 1,
                ["pattern"] = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
            },
            ["status"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("True", "False", "Unknown") },
            ["type"] = new JsonObject
            {
                ["type"] = "string",
                ["maxLength"] = 316,
                ["pattern"] = @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
            },
        },
        ["required"] = new JsonArray("lastTransitionTime", "message", "reason", "status", "type"),
    };

    private static string JsonName(PropertyInfo p) =>
        p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name);

    private static IEnumerable<string> EnumNames(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .OrderBy(f => Convert.ToInt64(f.GetRawConstantValue(), CultureInfo.InvariantCulture))
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name);

    private static JsonObject Sorted(JsonObject o)
    {
        var items = o.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        o.Clear();
        var result = new JsonObject();
        foreach (var (k, v) in items)
        {
            result[k] = v;
        }

        return result;
    }

    private static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    private static JsonValue Number(double v) =>
        Math.Floor(v) == v && Math.Abs(v) < 1e15 ? JsonValue.Create((long)v) : JsonValue.Create(v);
}
