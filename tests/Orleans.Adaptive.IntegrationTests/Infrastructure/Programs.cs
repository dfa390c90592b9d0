using System.Reflection;

namespace Orleans.Adaptive.IntegrationTests.Infrastructure;

/// <summary>The shipped programs under test, run from their build output as `dotnet &lt;dll&gt;`.</summary>
internal static class Programs
{
    public static string SiloDll => Find("SiloDll");

    public static string CliDll => Find("CliDll");

    public static string BenchLearningDll => Find("BenchLearningDll");

    public static string BenchPlacementDll => Find("BenchPlacementDll");

    public static string BenchScaleDll => Find("BenchScaleDll");

    public static string BenchOverheadDll => Find("BenchOverheadDll");

    public static string BenchFaultsDll => Find("BenchFaultsDll");

    private static string Find(string key)
    {
        var path = typeof(Programs).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        path = Path.GetFullPath(path);
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first (dotnet test does).");
        return path;
    }
}
