using Microsoft.Extensions.DependencyInjection;
using Orleans.Adaptive;
using Orleans.Adaptive.Hosting;
using Orleans.Storage;

namespace Orleans.Hosting;

/// <summary>Adds grain storage shared by every silo of one process.</summary>
public static class ProcessMemoryGrainStorageExtensions
{
    /// <summary>
    /// Adds grain storage named <paramref name="name"/> that keeps state in <paramref name="store"/>, which every
    /// silo of the process shares: the stand-in for a database in local multi-silo clusters (the demo, tests,
    /// benchmarks), where a silo that stops or is killed must lose nothing. Not for production.
    /// </summary>
    public static ISiloBuilder AddProcessMemoryGrainStorage(this ISiloBuilder builder, string name, ProcessMemoryStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(store);
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => new ProcessMemoryGrainStorage(store, services.GetRequiredService<IGrainStorageSerializer>()));
        return builder;
    }
}
